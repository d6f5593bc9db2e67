import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayUnique, IsArray, IsBoolean, IsEmail, IsEnum, IsInt, IsOptional, IsString, Length, Max, MaxLength, Min } from 'class-validator';
import { Role } from '../security/roles';

export class CreateUserDto {
  @ApiProperty({ example: 'officer@example.com' })
  @IsEmail({}, { message: 'email must be an e-mail address' })
  @MaxLength(254)
  email: string;

  @ApiProperty({ example: 'Dana Officer' })
  @IsString()
  @Length(1, 200)
  displayName: string;

  @ApiProperty({ description: '12 to 1024 characters', example: 'a-long-unique-passphrase' })
  @IsString()
  @Length(12, 1024, { message: 'password must be 12 to 1024 characters long' })
  password: string;

  @ApiProperty({ enum: Role, isArray: true, example: [Role.ComplianceOfficer] })
  @IsArray()
  @ArrayUnique()
  @ArrayMaxSize(6)
  @IsEnum(Role, { each: true, message: `each role must be one of: ${Object.values(Role).join(', ')}` })
  roles: Role[];
}

export class SetDisabledDto {
  @ApiProperty() @IsBoolean() disabled: boolean;
}

export class RoleDto {
  @ApiProperty({ enum: Role })
  @IsEnum(Role, { message: `role must be one of: ${Object.values(Role).join(', ')}` })
  role: Role;
}

export class CreateApiKeyDto {
  @ApiProperty({ example: 'playout-cluster-eu', description: 'Names the service account the key belongs to' })
  @IsString()
  @Length(1, 100)
  name: string;

  @ApiPropertyOptional({ example: 6000, description: 'Requests a minute this key may make (default 6000)' })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(1_000_000)
  requestsPerMinute?: number;
}
